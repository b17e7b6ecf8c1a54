import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  readonly children: ReactNode;
  /** What to show instead; `retry` renders the children again (a lazy screen then loads afresh). */
  readonly fallback: (error: Error, retry: () => void) => ReactNode;
  /** When it changes (e.g. the route), a shown error is dropped: one failed screen does not block the others. */
  readonly resetKey?: string;
  /** Told once the error is shown (e.g. to let failed imports try again on the next render). */
  readonly onError?: (error: Error) => void;
}

interface State {
  readonly error: Error | undefined;
  readonly resetKey: string | undefined;
}

/** Shows what failed instead of a blank screen; the stored data is untouched. */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: undefined, resetKey: this.props.resetKey };

  static getDerivedStateFromError(error: unknown): Partial<State> {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    return props.resetKey === state.resetKey ? null : { error: undefined, resetKey: props.resetKey };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(error, info.componentStack);
    this.props.onError?.(error);
  }

  private readonly retry = (): void => {
    this.setState({ error: undefined });
  };

  override render(): ReactNode {
    return this.state.error ? this.props.fallback(this.state.error, this.retry) : this.props.children;
  }
}
