import type { StorageSettings } from '../config.js';
import type { DocumentStorage } from './document-storage.js';
import { localDocumentStorage } from './local-storage.js';
import { s3DocumentStorage } from './s3-storage.js';

export function createDocumentStorage(settings: StorageSettings): DocumentStorage {
  return settings.kind === 's3' ? s3DocumentStorage(settings) : localDocumentStorage(settings.directory);
}
