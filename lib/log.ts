import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The service's structured logger. Messages are fixed phrases and values go in fields; secrets
 * (keys, passwords, codes, header values) must never be passed to it.
 */
export function createLogger(serviceName = 'retriever', level?: string): Logger {
  const logLevel = (level ?? 'INFO') as 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';

  return new Logger({ serviceName, logLevel });
}

export type { Logger };
