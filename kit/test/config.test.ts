import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, env, parseEnvironment } from '../src/config.js';

const DEV_SECRET = 'development-secret-0123456789';

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('parseEnvironment', () => {
  const shape = {
    PORT: env.port(4000),
    DATABASE_URL: z.string().startsWith('postgres', 'must be a postgresql:// URL'),
    TOKEN_TTL: env.seconds(900),
    VERBOSE: env.flag(false),
  };

  it('returns typed values with defaults applied for unset variables', () => {
    const parsed = parseEnvironment(shape, { DATABASE_URL: 'postgresql://localhost/app' });
    expect(parsed).toEqual({ PORT: 4000, DATABASE_URL: 'postgresql://localhost/app', TOKEN_TTL: 900, VERBOSE: false });
  });

  it('coerces numeric variables from their string form', () => {
    const parsed = parseEnvironment(shape, { DATABASE_URL: 'postgres://x', PORT: '8080', TOKEN_TTL: '60' });
    expect(parsed.PORT).toBe(8080);
    expect(parsed.TOKEN_TTL).toBe(60);
  });

  it('reports every bad variable in one ConfigError instead of stopping at the first', () => {
    const problems = problemsOf(() =>
      parseEnvironment(shape, { PORT: '70000', DATABASE_URL: 'mysql://x', TOKEN_TTL: '-5', VERBOSE: 'maybe' }),
    );
    expect(problems).toHaveLength(4);
    const names = problems.map((problem) => problem.split(':')[0]).sort();
    expect(names).toEqual(['DATABASE_URL', 'PORT', 'TOKEN_TTL', 'VERBOSE']);
    expect(problems.find((problem) => problem.startsWith('DATABASE_URL'))).toContain('must be a postgresql:// URL');
  });

  it('lists every problem in the error message, one per line', () => {
    try {
      parseEnvironment(shape, { PORT: 'abc' });
      expect.unreachable('parseEnvironment accepted a bad environment');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as ConfigError).message;
      expect(message).toMatch(/^Invalid configuration:\n/);
      expect(message).toMatch(/\n {2}- PORT: /);
      expect(message).toMatch(/\n {2}- DATABASE_URL: .*\(not set\)/);
      expect((error as ConfigError).name).toBe('ConfigError');
    }
  });

  it('marks a required variable that is missing as not set', () => {
    const problems = problemsOf(() => parseEnvironment(shape, {}));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^DATABASE_URL: .*\(not set\)$/);
  });

  it('treats an empty string as unset, so the default applies', () => {
    const parsed = parseEnvironment(shape, { DATABASE_URL: 'postgres://x', PORT: '', TOKEN_TTL: '', VERBOSE: '' });
    expect(parsed).toMatchObject({ PORT: 4000, TOKEN_TTL: 900, VERBOSE: false });
  });

  it('treats an empty required variable as missing rather than as an invalid value', () => {
    const problems = problemsOf(() => parseEnvironment(shape, { DATABASE_URL: '' }));
    expect(problems).toEqual([expect.stringMatching(/^DATABASE_URL: .*\(not set\)$/)]);
  });

  it('ignores variables the shape does not name', () => {
    const parsed = parseEnvironment({ PORT: env.port(1) }, { PORT: '2', UNRELATED: 'value', PATH: '/bin' });
    expect(parsed).toEqual({ PORT: 2 });
  });
});

describe('env.flag', () => {
  const parseFlag = (value: string | undefined, fallback = false) => parseEnvironment({ FLAG: env.flag(fallback) }, { FLAG: value }).FLAG;

  it.each([
    ['true', true],
    ['1', true],
    ['yes', true],
    ['false', false],
    ['0', false],
    ['no', false],
  ])('parses %j as %s', (value, expected) => {
    expect(parseFlag(value, !expected)).toBe(expected);
  });

  it('falls back to its default when unset or empty', () => {
    expect(parseFlag(undefined, true)).toBe(true);
    expect(parseFlag('', true)).toBe(true);
    expect(parseFlag(undefined, false)).toBe(false);
  });

  it('refuses any other spelling', () => {
    const problems = problemsOf(() => parseFlag('on'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^FLAG: /);
  });
});

describe('env.secret', () => {
  const shape = { NODE_ENV: env.nodeEnv(), SIGNING_SECRET: env.secret(DEV_SECRET), PORT: env.port(4000) };

  it('uses the development default outside production', () => {
    expect(parseEnvironment(shape, {}).SIGNING_SECRET).toBe(DEV_SECRET);
    expect(parseEnvironment(shape, { NODE_ENV: 'development' }).SIGNING_SECRET).toBe(DEV_SECRET);
    expect(parseEnvironment(shape, { NODE_ENV: 'test' }).SIGNING_SECRET).toBe(DEV_SECRET);
  });

  it('uses an explicitly set secret', () => {
    const secret = 'k3Jq9vX2pLm8RtW4zN7bYc1HdF6gS0aE';
    expect(parseEnvironment(shape, { NODE_ENV: 'production', SIGNING_SECRET: secret }).SIGNING_SECRET).toBe(secret);
  });

  it('refuses to fall back to the development default when NODE_ENV=production', () => {
    const problems = problemsOf(() => parseEnvironment(shape, { NODE_ENV: 'production' }));
    expect(problems).toEqual(['SIGNING_SECRET: must be set when NODE_ENV=production (not set)']);
  });

  it('counts an empty secret as missing in production', () => {
    const problems = problemsOf(() => parseEnvironment(shape, { NODE_ENV: 'production', SIGNING_SECRET: '' }));
    expect(problems).toEqual(['SIGNING_SECRET: must be set when NODE_ENV=production (not set)']);
  });

  it('lists a missing production secret together with the other problems', () => {
    const problems = problemsOf(() => parseEnvironment(shape, { NODE_ENV: 'production', PORT: 'not-a-port' }));
    expect(problems).toHaveLength(2);
    expect(problems).toContain('SIGNING_SECRET: must be set when NODE_ENV=production (not set)');
    expect(problems.some((problem) => problem.startsWith('PORT: '))).toBe(true);
  });

  it('refuses a secret shorter than 16 characters', () => {
    const problems = problemsOf(() => parseEnvironment(shape, { SIGNING_SECRET: 'short' }));
    expect(problems).toEqual(['SIGNING_SECRET: must be at least 16 characters']);
  });

  describe('in production', () => {
    const twoSecrets = {
      NODE_ENV: env.nodeEnv(),
      SIGNING_SECRET: env.secret(DEV_SECRET),
      UPLOAD_SECRET: env.secret('development-upload-0123456789'),
    };
    const strong = 'Zq4uN1xR8vKb2Tj7Wm5Lc9Hs3Ey6Pd0G';
    const alsoStrong = 'p7Gk2Vw9Qx4Rz1Nm8Jt5Lb3Hc6Fy0DsA';

    it('accepts long, varied secrets of their own', () => {
      expect(parseEnvironment(twoSecrets, { NODE_ENV: 'production', SIGNING_SECRET: strong, UPLOAD_SECRET: alsoStrong })).toMatchObject({
        SIGNING_SECRET: strong,
        UPLOAD_SECRET: alsoStrong,
      });
    });

    it.each([
      ['its own development default', DEV_SECRET],
      ['another setting’s development default', 'development-upload-0123456789'],
      ['a compose placeholder', 'change-me-gateway-shared-secret'],
      ['a placeholder spelt another way', 'CHANGEME-this-value-before-going-live-42'],
      ['a documentation example', 'an-example-secret-that-is-long-enough-1234'],
    ])('refuses %s, which anyone can read in the repository', (_, value) => {
      const problems = problemsOf(() =>
        parseEnvironment(twoSecrets, { NODE_ENV: 'production', SIGNING_SECRET: value, UPLOAD_SECRET: alsoStrong }),
      );
      expect(problems).toEqual([expect.stringMatching(/^SIGNING_SECRET: is a publicly known default or example value/)]);
    });

    it('refuses a secret shorter than 32 characters, though 16 do outside production', () => {
      const short = 'Zq4uN1xR8vKb2Tj7Wm5L';
      expect(parseEnvironment(twoSecrets, { SIGNING_SECRET: short }).SIGNING_SECRET).toBe(short);
      const problems = problemsOf(() =>
        parseEnvironment(twoSecrets, { NODE_ENV: 'production', SIGNING_SECRET: short, UPLOAD_SECRET: alsoStrong }),
      );
      expect(problems).toEqual([expect.stringMatching(/^SIGNING_SECRET: must be at least 32 characters in production/)]);
    });

    it.each([
      ['one character repeated', 'a'.repeat(48)],
      ['a short pattern repeated', 'abcd'.repeat(12)],
      ['two characters', '01'.repeat(24)],
    ])('refuses a predictable secret: %s', (_, value) => {
      const problems = problemsOf(() =>
        parseEnvironment(twoSecrets, { NODE_ENV: 'production', SIGNING_SECRET: value, UPLOAD_SECRET: alsoStrong }),
      );
      expect(problems).toEqual([expect.stringMatching(/^SIGNING_SECRET: is too predictable/)]);
    });

    it('refuses one value used for two purposes, naming both settings', () => {
      const problems = problemsOf(() =>
        parseEnvironment(twoSecrets, { NODE_ENV: 'production', SIGNING_SECRET: strong, UPLOAD_SECRET: strong }),
      );
      expect(problems).toEqual(['SIGNING_SECRET, UPLOAD_SECRET: the same value serves 2 purposes; give each its own secret']);
    });

    it('lists every weak secret at once', () => {
      const problems = problemsOf(() =>
        parseEnvironment(twoSecrets, {
          NODE_ENV: 'production',
          SIGNING_SECRET: 'change-me-signing-key-secret',
          UPLOAD_SECRET: 'x'.repeat(40),
        }),
      );
      expect(problems.map((problem) => problem.split(':')[0])).toEqual(['SIGNING_SECRET', 'UPLOAD_SECRET']);
    });
  });
});
