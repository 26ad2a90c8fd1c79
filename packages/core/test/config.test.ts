import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { testConfig } from '../src/testing/index.js';

describe('loadConfig defaults (the operator contract)', () => {
  it('matches the contract with an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      nodeEnv: 'development',
      databaseUrl: undefined,
      host: '127.0.0.1',
      port: 3000,
      publicUrl: 'http://127.0.0.1:3000',
      passwordHashLogN: 17,
      loginMaxFailures: 10,
      loginWindowMinutes: 15,
      inviteTtlHours: 168,
      sessionTtlHours: 168,
      passwordResetTtlMinutes: 60,
      adminEmail: undefined,
      adminPassword: undefined,
      smtpUrl: undefined,
      redisUrl: undefined,
      rateLimitPerMinute: 1000,
      trustProxy: [],
      corsOrigins: [],
      hashThreadNiceness: 10,
    });
  });

  it('takes HASH_THREAD_NICENESS from 0 to 19 and refuses anything else', () => {
    expect(loadConfig({ HASH_THREAD_NICENESS: '0' }).hashThreadNiceness).toBe(0);
    expect(loadConfig({ HASH_THREAD_NICENESS: '19' }).hashThreadNiceness).toBe(19);
    for (const value of ['20', '-1', '2.5', 'low'])
      expect(() => loadConfig({ HASH_THREAD_NICENESS: value })).toThrow(ConfigError);
  });

  it('derives PUBLIC_URL from HOST and PORT (IPv6 hosts in brackets)', () => {
    expect(loadConfig({ HOST: '0.0.0.0', PORT: '8080' }).publicUrl).toBe('http://0.0.0.0:8080');
    expect(loadConfig({ HOST: '::1' }).publicUrl).toBe('http://[::1]:3000');
  });

  it('uses PUBLIC_URL as given, without a trailing slash', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://admin.example.com/' }).publicUrl).toBe(
      'https://admin.example.com',
    );
    expect(loadConfig({ PUBLIC_URL: 'https://example.com/gatehouse' }).publicUrl).toBe(
      'https://example.com/gatehouse',
    );
  });

  it('reads every variable it is given', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: ' postgres://db/gatehouse ',
      PORT: '4000',
      PASSWORD_HASH_LOGN: '12',
      LOGIN_MAX_FAILURES: '5',
      LOGIN_WINDOW_MINUTES: '30',
      INVITE_TTL_HOURS: '24',
      ADMIN_EMAIL: 'root@example.com',
      SMTP_URL: 'smtp://mail:25',
      REDIS_URL: 'redis://cache:6379',
      RATE_LIMIT_PER_MINUTE: '60',
      TRUST_PROXY: '10.0.0.0/8',
      CORS_ORIGINS: 'https://a.example.com, https://b.example.com,,',
      LOG_LEVEL: 'warn',
    });
    expect(config).toMatchObject({
      nodeEnv: 'production',
      databaseUrl: 'postgres://db/gatehouse',
      port: 4000,
      // Honoured as given (>= 10) in every NODE_ENV, production included.
      passwordHashLogN: 12,
      loginMaxFailures: 5,
      loginWindowMinutes: 30,
      inviteTtlHours: 24,
      adminEmail: 'root@example.com',
      smtpUrl: 'smtp://mail:25',
      redisUrl: 'redis://cache:6379',
      rateLimitPerMinute: 60,
      trustProxy: ['10.0.0.0/8'],
      corsOrigins: ['https://a.example.com', 'https://b.example.com'],
      logLevel: 'warn',
    });
    expect(loadConfig({ NODE_ENV: 'production', PASSWORD_HASH_LOGN: '10' }).passwordHashLogN).toBe(10);
  });

  it('treats blank optional values as unset', () => {
    const config = loadConfig({ DATABASE_URL: '  ', SMTP_URL: '', REDIS_URL: ' ' });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.smtpUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
  });

  it('testConfig uses logN 10 and a fixed public URL', () => {
    expect(testConfig()).toMatchObject({ passwordHashLogN: 10, publicUrl: 'http://gatehouse.test' });
  });
});

describe('loadConfig refuses bad values with a ConfigError naming the variable', () => {
  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '3.5'],
    ['PASSWORD_HASH_LOGN', '5'],
    ['PASSWORD_HASH_LOGN', 'x'],
    ['PASSWORD_HASH_LOGN', '40'],
    ['LOGIN_MAX_FAILURES', '0'],
    ['LOGIN_WINDOW_MINUTES', '-1'],
    ['INVITE_TTL_HOURS', 'soon'],
    ['RATE_LIMIT_PER_MINUTE', '0'],
    ['PUBLIC_URL', 'not a url'],
    ['NODE_ENV', 'staging'],
    ['LOG_LEVEL', 'loud'],
  ])('%s=%s', (name, value) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(name);
  });

  it('names every bad variable at once', () => {
    expect(() => loadConfig({ PORT: 'abc', PASSWORD_HASH_LOGN: '5' })).toThrow(
      /PORT[\s\S]*PASSWORD_HASH_LOGN|PASSWORD_HASH_LOGN[\s\S]*PORT/,
    );
  });
});

describe('config for an entry point', () => {
  it('takes entry-point defaults, which the environment still overrides', () => {
    expect(loadConfig({}, { NODE_ENV: 'production' }).nodeEnv).toBe('production');
    expect(loadConfig({ NODE_ENV: 'development' }, { NODE_ENV: 'production' }).nodeEnv).toBe('development');
  });

  it('keeps ADMIN_PASSWORD exactly as given, and treats empty variables as unset', () => {
    const config = loadConfig({
      ADMIN_EMAIL: ' Boss@Example.com ',
      ADMIN_PASSWORD: '  spaced out passphrase ',
      PORT: '',
    });
    expect(config.adminPassword).toBe('  spaced out passphrase ');
    expect(config.port).toBe(3000);
  });
});

/** The ConfigError loadConfig throws for this environment (fails the test when it throws none). */
function configErrorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('TRUST_PROXY takes only the addresses of the proxies in front', () => {
  it('trusts no proxy when unset or empty', () => {
    expect(loadConfig({}).trustProxy).toEqual([]);
    expect(loadConfig({ TRUST_PROXY: '' }).trustProxy).toEqual([]);
    expect(loadConfig({ TRUST_PROXY: '  ' }).trustProxy).toEqual([]);
  });

  it('reads a comma list of IPv4 and IPv6 addresses and CIDRs', () => {
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
    ]);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8,127.0.0.1,::1' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
      '::1',
    ]);
    expect(
      loadConfig({ TRUST_PROXY: ' 2001:db8::/32 , fd00::/8,::ffff:10.0.0.1, 192.168.1.10/32,::1/128,' })
        .trustProxy,
    ).toEqual(['2001:db8::/32', 'fd00::/8', '::ffff:10.0.0.1', '192.168.1.10/32', '::1/128']);
  });

  it.each(['true', 'TRUE', 'yes', 'on', '*'])(
    'refuses %s (it would make the client-written leftmost X-Forwarded-For entry the IP)',
    (value) => {
      const { message } = configErrorOf({ TRUST_PROXY: value });
      expect(message).toContain('TRUST_PROXY');
      expect(message).toContain('could choose its IP');
      expect(message).toContain('TRUST_PROXY=10.0.0.0/8,127.0.0.1,::1');
    },
  );

  it.each(['false', 'no', 'off', 'none'])('refuses %s and says to leave it unset', (value) => {
    const { message } = configErrorOf({ TRUST_PROXY: value });
    expect(message).toContain('TRUST_PROXY');
    expect(message).toContain('leave TRUST_PROXY unset (or empty) to trust no proxy');
  });

  it.each(['0', '1', '2', '10'])('refuses the hop count %s (it trusts whoever connects)', (value) => {
    const { message } = configErrorOf({ TRUST_PROXY: value });
    expect(message).toContain('TRUST_PROXY');
    expect(message).toContain('hop counts');
    expect(message).toContain('TRUST_PROXY=10.0.0.0/8,127.0.0.1,::1');
  });

  it.each([
    ['10.0.0.300', '"10.0.0.300"'],
    ['10.0.0.0/33', '"10.0.0.0/33"'],
    ['::1/129', '"::1/129"'],
    ['0.0.0.0/0', '"0.0.0.0/0"'],
    ['::/0', '"::/0"'],
    ['10.0.0.0/', '"10.0.0.0/"'],
    ['10.0.0.0/8/8', '"10.0.0.0/8/8"'],
    ['proxy.internal', '"proxy.internal"'],
    ['loopback', '"loopback"'],
    ['010.0.0.1', '"010.0.0.1"'],
    ['127.0.0.1, 2001:db8::g, 10.0.0.1', '"2001:db8::g"'],
    ['127.0.0.1 10.0.0.1', '"127.0.0.1 10.0.0.1"'],
  ])('refuses the malformed list %s, naming the bad entry', (value, named) => {
    const { message } = configErrorOf({ TRUST_PROXY: value });
    expect(message).toContain('TRUST_PROXY');
    expect(message).toContain(`not an IP address or CIDR: ${named}`);
    expect(message).toContain('TRUST_PROXY=10.0.0.0/8,127.0.0.1,::1');
  });
});

describe('PASSWORD_HASH_LOGN stays within what scrypt can compute', () => {
  it('accepts 10 to 20', () => {
    expect(loadConfig({ PASSWORD_HASH_LOGN: '10' }).passwordHashLogN).toBe(10);
    expect(loadConfig({ PASSWORD_HASH_LOGN: '20' }).passwordHashLogN).toBe(20);
  });

  it.each(['21', '22', '30'])('refuses %s with the maximum and the reason', (value) => {
    const { message } = configErrorOf({ PASSWORD_HASH_LOGN: value });
    expect(message).toContain('PASSWORD_HASH_LOGN: at most 20');
    expect(message).toContain('scrypt refuses more');
  });
});
