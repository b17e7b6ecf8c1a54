import type { Page } from 'playwright-core';
import { z } from 'zod';

/**
 * Counts which components React re-renders, in the production build, with nothing added to the app: React
 * reports every commit to a DevTools hook when one is installed before it loads (production builds too).
 * A component rendered in a commit when its fiber was re-created for it (not a subtree React left as it
 * was) and carries React's PerformedWork flag (a memo bail-out does not). Production names are minified, so
 * a component is named by the first element it renders and the graded unit that element sits in:
 * `article.unit @1.3` (the card), `div.photos @1.3` (its photo strip), `span.item__points in item 1`,
 * `a.button in div.score-bar`; one that renders no element by the element around it.
 */
const hook = `(() => {
  const FUNCTION = 0, CLASS = 1, HOST = 5, FORWARD_REF = 11, SIMPLE_MEMO = 15, PERFORMED_WORK = 1;
  const counts = new Map();
  let isCounting = false;
  const firstElement = (fiber) => {
    for (let f = fiber.child; f !== null; f = f.child) if (f.tag === HOST) return f.stateNode;
    return null;
  };
  const hostAbove = (fiber) => {
    for (let f = fiber.return; f !== null; f = f.return) if (f.tag === HOST) return describe(f.stateNode);
    return 'the root';
  };
  const nameOf = (fiber) => {
    const element = firstElement(fiber);
    return element instanceof Element ? describe(element) : '(no element) in ' + hostAbove(fiber);
  };
  const describe = (element) => {
    const cls = typeof element.className === 'string' && element.className.trim() !== ''
      ? '.' + element.className.trim().split(/\\s+/)[0] : '';
    const unit = element.closest('[data-unit-id]');
    const item = unit === null ? element.closest('[data-item-id]') : null;
    const bar = element.closest('.score-bar');
    return element.tagName.toLowerCase() + cls + (unit ? ' @' + unit.getAttribute('data-unit-id') : '') +
      (item ? ' in item ' + item.getAttribute('data-item-id') : '') +
      (bar !== null && bar !== element ? ' in div.score-bar' : '');
  };
  const visit = (fiber) => {
    for (let child = fiber.child; child !== null; child = child.sibling) {
      const before = child.alternate;
      const isComponent = [FUNCTION, CLASS, FORWARD_REF, SIMPLE_MEMO].includes(child.tag);
      if (isComponent && (before === null || (child.flags & PERFORMED_WORK) !== 0)) {
        const name = nameOf(child);
        counts.set(name, (counts.get(name) ?? 0) + 1);
      }
      // A subtree React did not visit is the same fibers as before: nothing in it rendered.
      if (before === null || child.child !== before.child) visit(child);
    }
  };
  window.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true,
    renderers: new Map(),
    inject: () => 1,
    onCommitFiberRoot: (_id, root) => {
      if (!isCounting) return;
      const current = root.current;
      if (current.alternate === null || current.child !== current.alternate.child) visit(current);
    },
    onCommitFiberUnmount: () => {},
    onPostCommitFiberRoot: () => {},
    checkDCE: () => {},
  };
  window.__renderCount = {
    start: () => { counts.clear(); isCounting = true; },
    stop: () => { isCounting = false; return Object.fromEntries(counts); },
  };
})();`;

/** Install before the app loads (then load or reload it). */
export async function installRenderCounter(page: Page): Promise<void> {
  await page.addInitScript({ content: hook });
}

const countsSchema = z.record(z.string(), z.number());

/** Renders per component name while `action` runs and the page settles after it. */
export async function countRenders(
  page: Page,
  action: () => Promise<void>,
  settle: () => Promise<void>,
): Promise<Record<string, number>> {
  // Strings, not functions: the counter is the init script's, not something this file's types know.
  await page.evaluate('window.__renderCount.start()');
  await action();
  await settle();
  return countsSchema.parse(await page.evaluate('window.__renderCount.stop()'));
}
