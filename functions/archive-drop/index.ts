import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { readArchiveDropSettings } from '../../core/orchestration/archive-drop-env.js';
import { createArchiveDropHandler, type ArchiveDropHandler } from './handler.js';

/**
 * The archive-drop Lambda's entry point (the orchestration stack bundles this file). Settings are read from the
 * environment (ARCHIVE_DROP_ENV) and validated when the module loads, so a bad variable fails the cold start.
 */
export const handler: ArchiveDropHandler = createArchiveDropHandler(readArchiveDropSettings(process.env), { s3: new S3Client({}), sfn: new SFNClient({}) });
