import { describe, expect, it } from 'vitest';
import { parseAnalyticsSettings } from '../../subgraphs/analytics/src/config.js';
import { parseVerificationSettings } from '../../subgraphs/verification/src/config.js';
import { publicUrlFor } from '../src/public-url.js';

const databases = {
  VERIFICATION_DATABASE_URL: 'postgresql://localhost/verification',
  ANALYTICS_DATABASE_URL: 'postgresql://localhost/analytics',
};

/** Every link a service hands out, as the one-process platform configures the services for a gateway port. */
function linkBases(environment: Record<string, string>, gatewayPort: number) {
  const given = { ...databases, ...environment, PUBLIC_URL: publicUrlFor(environment, gatewayPort) };
  return {
    uploadsAndDocuments: parseVerificationSettings(given).publicUrl,
    reports: parseAnalyticsSettings(given).reports.publicUrl,
  };
}

describe('the public URL', () => {
  it('follows the gateway to another port, for document and report links alike', () => {
    expect(linkBases({}, 4123)).toEqual({ uploadsAndDocuments: 'http://127.0.0.1:4123', reports: 'http://127.0.0.1:4123' });
  });

  it('is the configured PUBLIC_URL when one is set, without a trailing slash', () => {
    expect(linkBases({ PUBLIC_URL: 'https://api.gasrapido.com.br/' }, 4123)).toEqual({
      uploadsAndDocuments: 'https://api.gasrapido.com.br',
      reports: 'https://api.gasrapido.com.br',
    });
  });

  it('is the same for every service run as its own process, from PUBLIC_URL alone', () => {
    const separate = { ...databases, PUBLIC_URL: 'https://api.gasrapido.example' };
    expect(parseVerificationSettings(separate).publicUrl).toBe('https://api.gasrapido.example');
    expect(parseAnalyticsSettings(separate).reports.publicUrl).toBe('https://api.gasrapido.example');
  });

  it('can still be overridden for one kind of link', () => {
    const settings = parseAnalyticsSettings({
      ...databases,
      PUBLIC_URL: 'https://api.gasrapido.example',
      ANALYTICS_PUBLIC_URL: 'https://reports.gasrapido.example/',
    });
    expect(settings.reports.publicUrl).toBe('https://reports.gasrapido.example');
  });
});
