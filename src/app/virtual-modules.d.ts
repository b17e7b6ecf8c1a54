/** Made by build-plugins/shipped-rubrics.ts: the rubrics in rubrics/, validated and fingerprinted at build time. */
declare module 'virtual:shipped-rubrics' {
  export interface ShippedRubricEntry {
    readonly file: string;
    readonly id: string;
    readonly title: string;
    readonly form: string;
    readonly fingerprint: string;
    /** The rubric exactly as parseRubric returned it when the app was built (its own chunk). */
    readonly load: () => Promise<import('../domain/index').Rubric>;
  }
  export const shippedRubrics: readonly ShippedRubricEntry[];
}
