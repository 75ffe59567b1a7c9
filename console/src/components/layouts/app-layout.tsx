import type { ReactNode } from "react";
import { NavLink } from "react-router";

import { paths } from "@/config/paths";
import { cn } from "@/lib/cn";
import { signOut } from "@/lib/session";

import { Button } from "../ui/button";

const NAVIGATION = [
  { to: paths.events, label: "Events" },
  { to: paths.webhooks, label: "Webhooks" },
  { to: paths.keys, label: "API keys" },
] as const;

const NAV_LINK = "rounded-md px-2 py-2 text-sm font-medium sm:px-3";

export function AppLayout({ children }: { children: ReactNode }) {
  return (
    <div className="min-h-dvh bg-slate-50">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2">
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3 sm:px-6">
          <span className="flex items-center gap-2 font-semibold text-slate-900">
            <img src="/favicon.svg" alt="" className="size-6" />
            Triggers
          </span>
          <nav aria-label="Main" className="order-last -mx-2 flex w-full flex-wrap gap-0.5 sm:order-none sm:mx-0 sm:w-auto sm:gap-1">
            {NAVIGATION.map((item) => (
              <NavLink key={item.to} to={item.to} className={({ isActive }) => cn(NAV_LINK, isActive ? "bg-indigo-50 text-indigo-800" : "text-slate-700 hover:bg-slate-100")}>
                {item.label}
              </NavLink>
            ))}
            <a href={paths.apiDocs} target="_blank" rel="noreferrer" className={cn(NAV_LINK, "text-slate-700 hover:bg-slate-100")}>
              API docs<span className="sr-only"> (opens in a new tab)</span>
              <span aria-hidden> ↗</span>
            </a>
          </nav>
          <Button variant="ghost" size="sm" className="ml-auto" onClick={signOut}>
            Sign out
          </Button>
        </div>
      </header>
      <main id="main" tabIndex={-1} className="mx-auto max-w-7xl px-4 py-6 outline-none sm:px-6">
        {children}
      </main>
    </div>
  );
}
