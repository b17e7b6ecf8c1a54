import { describe, expect, it } from 'vitest';
import { matchSites, searchable, type SiteOption } from './view';

const sites: SiteOption[] = [
  { siteKey: 'code:BGY-001', siteName: '碧桂园·凤凰城管理处', code: 'BGY-001' },
  { siteKey: 'code:VK-17', siteName: '万科·城市花园', code: 'VK-17' },
  { siteKey: 'name:保利·堃悦府', siteName: '保利·堃悦府', code: undefined },
];
const names = (query: string) => matchSites(sites, query).map((s) => s.siteName);

describe('searching the site list as one types', () => {
  it.each([
    ['', ['碧桂园·凤凰城管理处', '万科·城市花园', '保利·堃悦府']],
    ['凤凰', ['碧桂园·凤凰城管理处']],
    ['碧桂园凤凰城', ['碧桂园·凤凰城管理处']], // typed without the middle dot
    ['管理处', ['碧桂园·凤凰城管理处']],
    ['堃', ['保利·堃悦府']], // a character outside GB2312
    ['bgy', ['碧桂园·凤凰城管理处']], // a code, in any case
    ['ＶＫ１７', ['万科·城市花园']], // full-width, as a Chinese IME types it, and without the dash
    ['  万科 ', ['万科·城市花园']],
    ['-', ['碧桂园·凤凰城管理处', '万科·城市花园', '保利·堃悦府']], // only separators: nothing to narrow by
    ['华润', []],
  ])('%j → %j', (query, expected) => {
    expect(names(query)).toEqual(expected);
  });

  it('compares full-width and half-width forms, case and separators alike', () => {
    expect(searchable('ＢＧＹ－００１ 碧桂园・凤凰城')).toBe('bgy001碧桂园凤凰城');
  });
});
