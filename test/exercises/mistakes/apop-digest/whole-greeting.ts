import { createHash } from 'node:crypto';

export const apopDigest = (greeting: string, secret: string): string => createHash('md5').update(greeting + secret).digest('hex');
