import { z } from 'zod';

/**
 * What any stored text may contain, decided once: no control characters (C0 apart from tab, line feed and
 * carriage return, DEL, C1) and no lone UTF-16 surrogates. PostgreSQL refuses NUL in text and jsonb and a
 * lone surrogate escape in jsonb, so such text would be acknowledged by nobody yet fail on every retry;
 * the rest are invisible, garble CSV and PDF, and are never typed on purpose. UTF-16 code units, no `u` flag,
 * so a surrogate pair passes and a half of one does not.
 */
// eslint-disable-next-line no-control-regex -- naming the control characters is the point of this pattern
export const PLAIN_TEXT_PATTERN = /^(?:[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])*$/;

export const PLAIN_TEXT_MESSAGE = '不能含控制字符（如 NUL）或残缺的 Unicode 字符；只允许制表符和换行 (must not contain control characters or lone surrogates; only tab and newline)';

export const isPlainText = (text: string): boolean => PLAIN_TEXT_PATTERN.test(text);

/** A string that passes the plain-text rule; chain trim/min/max after it (the rule sees the text as sent). */
export const plainText = () => z.string().regex(PLAIN_TEXT_PATTERN, PLAIN_TEXT_MESSAGE);
