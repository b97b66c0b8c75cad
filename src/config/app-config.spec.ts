import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('defaults to the embedded database on 127.0.0.1:3000', () => {
    const config = loadConfig({}, '/srv/wuyu');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.port).toBe(3000);
    expect(config.dataDir).toBe('/srv/wuyu/data');
  });

  it('accepts a postgres DATABASE_URL', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' }).databaseUrl).toBe(
      'postgres://postgres@127.0.0.1:5432/test',
    );
  });

  it('refuses bad values and names every one of them', () => {
    let caught: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x@y/z', LOG_LEVEL: 'loud', CORS_ORIGINS: 'not a url' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    expect(problems).toContain('PORT');
    expect(problems).toContain('DATABASE_URL');
    expect(problems).toContain('LOG_LEVEL');
    expect(problems).toContain('CORS_ORIGINS');
  });

  it('refuses a port out of range', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT must be between/);
  });

  it('runs the scheduler every 60 s and keeps spooled uploads 7 days by default; 0 turns the scheduler off; bad values are refused', () => {
    expect(loadConfig({}, '/srv/wuyu')).toMatchObject({ schedulerIntervalSeconds: 60, spoolRetentionDays: 7 });
    expect(loadConfig({ SCHEDULER_INTERVAL_SECONDS: '0', SPOOL_RETENTION_DAYS: '30' }, '/srv/wuyu')).toMatchObject({ schedulerIntervalSeconds: 0, spoolRetentionDays: 30 });
    expect(() => loadConfig({ SCHEDULER_INTERVAL_SECONDS: 'often' })).toThrow(/SCHEDULER_INTERVAL_SECONDS must be a whole number/);
    expect(() => loadConfig({ SPOOL_RETENTION_DAYS: '0' })).toThrow(/SPOOL_RETENTION_DAYS must be between 1 and 3650/);
  });
});
