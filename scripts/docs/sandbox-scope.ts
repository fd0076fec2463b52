/** The TypeScript type of `sandbox` at the prompt, as the REPL declares it for the checker. */
export const SANDBOX_SCOPE_TYPE =
  '{ readonly host: string; readonly port: number; readonly ca?: string; readonly tlsPort?: number; readonly accounts: readonly { readonly name: string; readonly password?: string }[] }';
