/** @jsxRuntime automatic */
import { useState, type FormEvent } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { Button } from '../../components/ui/button.tsx';
import { Field, Input } from '../../components/ui/form.tsx';
import { toApiError } from '../../lib/api/api-error.ts';
import { cn } from '../../lib/cn.ts';
import { testIds } from '../../lib/testids.ts';
import { BrandMark } from '../layout/components/brand-mark.tsx';
import { useSession } from './hooks/session.tsx';

export function LoginPage() {
  const session = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const from = (location.state as { from?: string } | null)?.from ?? '/';

  if (session.token && session.user) return <Navigate to={from} replace />;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      await session.login(email.trim(), password);
      navigate(from, { replace: true });
    } catch (e) {
      setError(e);
    } finally {
      setPending(false);
    }
  };

  const apiError = error ? toApiError(error) : null;

  return (
    <div className="flex min-h-screen">
      <div className="relative hidden w-[44%] overflow-hidden bg-zinc-950 lg:block">
        <div
          className={cn(
            'absolute inset-0',
            'bg-[radial-gradient(ellipse_at_top_left,rgba(99,102,241,0.35),transparent_60%)]',
          )}
        />
        <div className="relative flex h-full flex-col justify-between p-10 text-zinc-100">
          <BrandMark inverted />
          <div>
            <p className="text-2xl leading-snug font-semibold tracking-tight">
              Every OpenTelemetry gateway,
              <br />
              one control plane.
            </p>
            <p className="mt-3 max-w-sm text-sm text-zinc-400">
              Enrol collectors, ship configuration safely in canary batches, and see what each rule does to your
              telemetry bill before it lands.
            </p>
            <FlowIllustration />
          </div>
          <p className="text-xs text-zinc-500">Open source · Apache-2.0</p>
        </div>
      </div>
      <div className="flex flex-1 items-center justify-center px-6">
        <form onSubmit={submit} className="w-full max-w-sm space-y-5" data-testid={testIds.login.form} noValidate>
          <div className="lg:hidden">
            <BrandMark />
          </div>
          <div>
            <h1 className="text-xl font-semibold tracking-tight">Sign in</h1>
            <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">
              Use the account your Flowgate administrator created.
            </p>
          </div>
          <Field label="Email">
            {(id) => (
              <Input
                id={id}
                type="email"
                autoComplete="username"
                autoFocus
                required
                value={email}
                onChange={(e) => setEmail(e.target.value)}
                data-testid={testIds.login.email}
              />
            )}
          </Field>
          <Field label="Password">
            {(id) => (
              <Input
                id={id}
                type="password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                data-testid={testIds.login.password}
              />
            )}
          </Field>
          {apiError && (
            <div
              role="alert"
              className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950/40 dark:text-red-300"
              data-testid={testIds.login.error}
            >
              {apiError.message}
              <span className="ml-2 font-mono text-[11px] opacity-70">{apiError.code}</span>
            </div>
          )}
          <Button
            type="submit"
            variant="primary"
            className="w-full"
            loading={pending}
            disabled={!email || !password}
            data-testid={testIds.login.submit}
          >
            Sign in
          </Button>
        </form>
      </div>
    </div>
  );
}

function FlowIllustration() {
  // Many thick input streams narrowing to fewer, thinner ones: what a gateway does to a bill.
  const inputs = [30, 60, 90, 120, 150];
  return (
    <svg viewBox="0 0 360 180" className="mt-10 w-full max-w-md" aria-hidden="true">
      {inputs.map((y, i) => (
        <path
          key={y}
          d={`M0 ${y} C 120 ${y}, 140 90, 200 90`}
          stroke="rgb(129 140 248)"
          strokeOpacity={0.25 + i * 0.12}
          strokeWidth={6 - i * 0.6}
          fill="none"
        />
      ))}
      <rect x="196" y="66" width="48" height="48" rx="12" fill="rgb(79 70 229)" />
      <path d="M210 82h20M210 90h14M210 98h8" stroke="white" strokeWidth="3" strokeLinecap="round" />
      <path d="M244 90 C 290 90, 300 70, 360 70" stroke="rgb(52 211 153)" strokeWidth="3" fill="none" />
      <path
        d="M244 90 C 290 90, 300 110, 360 110"
        stroke="rgb(52 211 153)"
        strokeOpacity="0.6"
        strokeWidth="2"
        fill="none"
      />
    </svg>
  );
}
