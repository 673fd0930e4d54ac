import { ConfigError, loadConfig } from '../../src/config/app-config';

describe('loadConfig', () => {
  it('applies the contract defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, HOST: '0.0.0.0', DATA_DIR: './.data', WEBHOOK_ALLOW_PRIVATE: false, LOG_LEVEL: 'info' });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('takes a shorter query timeout with a shorter report timeout', () => {
    expect(loadConfig({ DATABASE_QUERY_TIMEOUT_MS: '5000', REPORT_TIMEOUT_MS: '4000' })).toMatchObject({
      DATABASE_QUERY_TIMEOUT_MS: 5000,
      REPORT_TIMEOUT_MS: 4000,
    });
    expect(() => loadConfig({ DATABASE_QUERY_TIMEOUT_MS: '5000' })).toThrow(
      /^Invalid configuration: REPORT_TIMEOUT_MS must be below DATABASE_QUERY_TIMEOUT_MS \(5000\)$/,
    );
  });

  it('reads and converts the variables', () => {
    const config = loadConfig({ PORT: '8080', WEBHOOK_ALLOW_PRIVATE: 'true', DATABASE_URL: 'postgres://u:p@db:5432/aidtrail' });
    expect(config).toMatchObject({ PORT: 8080, WEBHOOK_ALLOW_PRIVATE: true, DATABASE_URL: 'postgres://u:p@db:5432/aidtrail' });
  });

  it.each([
    ['PORT', '70000'],
    ['PORT', '80a'],
    ['DATABASE_URL', 'mysql://db/aidtrail'],
    ['LOG_LEVEL', 'loud'],
    ['WEBHOOK_ALLOW_PRIVATE', 'perhaps'],
    ['ADMIN_TOKEN', 'too-short'],
    ['AUDIT_SIGNING_KEY', 'not a key'],
    ['AUDIT_LOG_ORIGIN', 'has spaces in it'],
    ['DATABASE_QUERY_TIMEOUT_MS', '50'],
    // A report must be cancelled by the server before the pool stops waiting for it.
    ['REPORT_TIMEOUT_MS', '30000'],
  ])('refuses %s=%s with one line naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    try {
      loadConfig({ [name]: value });
    } catch (error) {
      expect((error as Error).message).toMatch(new RegExp(`^Invalid configuration: ${name} [^\\n]+$`));
    }
  });
});
