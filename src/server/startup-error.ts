/** A reason the server cannot start that the operator can act on: printed as it is, without a stack. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}
