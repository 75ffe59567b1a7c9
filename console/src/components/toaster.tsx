import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from "react";

interface Notice {
  id: number;
  text: string;
}

type Notify = (text: string) => void;

const NotifyContext = createContext<Notify | null>(null);
const SHOWN_MS = 5_000;
const AT_MOST = 3;

/**
 * Short confirmations after an action ("Webhook saved"), announced politely to screen readers.
 * Hand-made rather than a toast library: a live region and a timer are all it needs, and the
 * bytes saved keep the first load with the charts within the console's budget.
 */
export function Toaster({ children }: { children: ReactNode }) {
  const [notices, setNotices] = useState<Notice[]>([]);
  const notify = useCallback<Notify>((text) => {
    setNotices((current) => [...current.slice(1 - AT_MOST), { id: Date.now() + Math.random(), text }]);
  }, []);
  const dismiss = useCallback((id: number) => {
    setNotices((current) => current.filter((notice) => notice.id !== id));
  }, []);

  return (
    <NotifyContext value={notify}>
      {children}
      {/* Present from the start, so what is added to it is announced. */}
      <div role="status" aria-label="Notifications" className="fixed right-4 bottom-4 z-50 w-[min(24rem,calc(100vw-2rem))]">
        <ul className="flex flex-col gap-2">
          {notices.map((notice) => (
            <NoticeItem key={notice.id} notice={notice} onDismiss={dismiss} />
          ))}
        </ul>
      </div>
    </NotifyContext>
  );
}

function NoticeItem({ notice, onDismiss }: { notice: Notice; onDismiss: (id: number) => void }) {
  useEffect(() => {
    const timer = setTimeout(() => {
      onDismiss(notice.id);
    }, SHOWN_MS);
    return () => {
      clearTimeout(timer);
    };
  }, [notice.id, onDismiss]);

  return (
    <li className="flex items-center justify-between gap-3 rounded-md bg-slate-900 px-4 py-3 text-sm text-white shadow-lg">
      <span>{notice.text}</span>
      <button
        type="button"
        className="rounded px-1.5 text-slate-300 hover:text-white"
        aria-label="Dismiss"
        onClick={() => {
          onDismiss(notice.id);
        }}
      >
        ×
      </button>
    </li>
  );
}

export function useNotify(): Notify {
  const notify = useContext(NotifyContext);
  if (notify === null) throw new Error("useNotify needs a <Toaster> above it");
  return notify;
}
