import type { SigningKey } from './signing-key';

/** The checkpoint signing key, loaded in main.ts before the application starts (a bad key is a config error). */
export class SigningKeyHolder {
  constructor(readonly key: SigningKey) {}
}
