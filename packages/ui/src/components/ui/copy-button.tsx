/** @jsxRuntime automatic */
import { useState } from 'react';
import { testIds } from '../../lib/testids.ts';
import { Button, type ButtonSize, type ButtonVariant } from './button.tsx';
import { IconCheck, IconCopy } from './icons.tsx';

export async function copyToClipboard(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the legacy path (plain-HTTP origins have no async clipboard)
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
  }
}

export function CopyButton({
  text,
  label = 'Copy',
  variant = 'secondary',
  size = 'sm',
  testId = testIds.copy.button,
}: {
  text: string;
  label?: string;
  variant?: ButtonVariant;
  size?: ButtonSize;
  testId?: string;
}) {
  const [copied, setCopied] = useState(false);
  return (
    <Button
      variant={variant}
      size={size}
      data-testid={testId}
      icon={copied ? <IconCheck size={14} className="text-emerald-600" /> : <IconCopy size={14} />}
      onClick={async () => {
        const ok = await copyToClipboard(text);
        if (ok) {
          setCopied(true);
          window.setTimeout(() => setCopied(false), 1600);
        }
      }}
    >
      {copied ? 'Copied' : label}
    </Button>
  );
}
