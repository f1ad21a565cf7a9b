import { z } from 'zod';
import { defineEvent, eventTime } from '#kit';

export const ANALYTICS_TOPIC = 'analytics.events';

export const AnalyticsEvents = {
  reportGenerated: defineEvent({
    type: 'report.generated',
    topic: ANALYTICS_TOPIC,
    version: 1,
    producer: 'analytics',
    key: 'reportId',
    data: z.object({
      reportId: z.uuid(),
      requestedBy: z.uuid(),
      kind: z.string(),
      format: z.enum(['CSV', 'JSON']),
      periodStart: eventTime,
      periodEnd: eventTime,
      generatedAt: eventTime,
    }),
  }),
} as const;
