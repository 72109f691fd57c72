/** @jsxRuntime automatic */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderToStaticMarkup } from 'react-dom/server';
import { testIds } from '../../../lib/testids.ts';
import { DiffView } from './diff-view.tsx';

const diff = `--- v1
+++ v2
@@ -1,3 +1,3 @@
 processors:
-  batch: {}
+  batch:
+    timeout: 5s
 exporters:
`;

function count(html: string, needle: string): number {
  return html.split(needle).length - 1;
}

describe('DiffView', () => {
  it('renders both versions side by side with added and removed counts', () => {
    const html = renderToStaticMarkup(<DiffView diff={diff} fromLabel="Version 1" toLabel="Version 2" />);
    assert.match(html, /Version 1/);
    assert.match(html, /Version 2/);
    assert.match(html, /data-added="2"/);
    assert.match(html, /data-removed="1"/);
    assert.match(html, />\+2</);
    assert.match(html, />−1</);
  });

  it('renders one row per context line and per change pair, with the old and new text', () => {
    const html = renderToStaticMarkup(<DiffView diff={diff} fromLabel="v1" toLabel="v2" />);
    assert.equal(count(html, `data-testid="${testIds.templateEditor.diffRow}"`), 4);
    assert.equal(count(html, 'data-kind="context"'), 2);
    assert.equal(count(html, 'data-kind="change"'), 2);
    // The deletion pairs with the first addition; the second addition has an empty left side.
    assert.match(html, /data-left="del" data-right="add"/);
    assert.match(html, /data-left="empty" data-right="add"/);
    assert.match(html, /timeout: 5s/);
    // Changed part of the paired line is highlighted; shared prefix is not.
    assert.match(html, / {2}batch:<mark[^>]*> \{\}<\/mark>/);
  });

  it('says so when the versions are identical', () => {
    const html = renderToStaticMarkup(<DiffView diff="" fromLabel="v1" toLabel="v1" />);
    assert.match(html, /These versions are identical/);
    assert.equal(count(html, `data-testid="${testIds.templateEditor.diffRow}"`), 0);
  });

  it('shows how many unchanged lines a gap hides', () => {
    const html = renderToStaticMarkup(
      <DiffView diff={'@@ -8,1 +8,1 @@\n-a: 1\n+a: 2\n'} fromLabel="v1" toLabel="v2" />,
    );
    assert.match(html, /⋯ 7 unchanged lines/);
  });
});
