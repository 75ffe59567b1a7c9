import * as Toast from "@radix-ui/react-toast";
import { createContext, useCallback, useContext, useState, type ReactNode } from "react";

interface Notice {
  id: number;
  text: string;
}

type Notify = (text: string) => void;

const NotifyContext = createContext<Notify | null>(null);

/** Short confirmations after an action ("Event acknowledged"), announced politely to screen readers. */
export function Toaster({ children }: { children: ReactNode }) {
  const [notices, setNotices] = useState<Notice[]>([]);
  const notify = useCallback<Notify>((text) => {
    setNotices((current) => [...current.slice(-2), { id: Date.now() + Math.random(), text }]);
  }, []);
  const dismiss = (id: number) => {
    setNotices((current) => current.filter((notice) => notice.id !== id));
  };

  return (
    <NotifyContext value={notify}>
      <Toast.Provider duration={4_000} label="Notification">
        {children}
        {notices.map((notice) => (
          <Toast.Root
            key={notice.id}
            type="background"
            onOpenChange={(open) => {
              if (!open) dismiss(notice.id);
            }}
            className="flex items-center justify-between gap-3 rounded-md bg-slate-900 px-4 py-3 text-sm text-white shadow-lg"
          >
            <Toast.Description>{notice.text}</Toast.Description>
            <Toast.Close className="rounded px-1.5 text-slate-300 hover:text-white" aria-label="Dismiss">
              ×
            </Toast.Close>
          </Toast.Root>
        ))}
        <Toast.Viewport className="fixed right-4 bottom-4 z-50 flex w-[min(24rem,calc(100vw-2rem))] flex-col gap-2 outline-none" />
      </Toast.Provider>
    </NotifyContext>
  );
}

export function useNotify(): Notify {
  const notify = useContext(NotifyContext);
  if (notify === null) throw new Error("useNotify needs a <Toaster> above it");
  return notify;
}
