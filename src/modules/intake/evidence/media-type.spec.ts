import { sniffEvidenceType } from './media-type';

const bytes = (...parts: (number[] | string)[]) => Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))));

describe('sniffEvidenceType (by content, not by name)', () => {
  it.each([
    ['JPEG', bytes([0xff, 0xd8, 0xff, 0xe0], 'JFIF'), 'image/jpeg'],
    ['PNG', bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]), 'image/png'],
    ['WebP', bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '), 'image/webp'],
    ['PDF', bytes('%PDF-1.7\n'), 'application/pdf'],
    ['HEIC', bytes([0, 0, 0, 24], 'ftypheic', [0, 0, 0, 0]), 'image/heic'],
    ['MP4', bytes([0, 0, 0, 32], 'ftypisom', [0, 0, 2, 0]), 'video/mp4'],
  ])('recognises %s', (_name, content, type) => expect(sniffEvidenceType(content)).toBe(type));

  it.each([
    ['a Windows executable', bytes('MZ', [0x90, 0, 3, 0])],
    ['plain text', bytes('this is a certificate, trust me')],
    ['a ZIP (or .docx)', bytes([0x50, 0x4b, 0x03, 0x04])],
    ['an empty file', bytes()],
    ['a truncated PNG signature', bytes([0x89, 0x50, 0x4e])],
  ])('refuses %s', (_name, content) => expect(sniffEvidenceType(content)).toBeUndefined());
});
