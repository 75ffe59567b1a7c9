import type { ReactNode } from "react";
import { NavLink } from "react-router";

import { pagesFor, paths } from "@/config/paths";
import { useSignedInKey } from "@/lib/auth";
import { cn } from "@/lib/cn";
import { signOut } from "@/lib/session";

import { Button } from "../ui/button";

const NAV_LINK = "rounded-md px-2 py-2 text-sm font-medium sm:px-3";

export function AppLayout({ children }: { children: ReactNode }) {
  const current = useSignedInKey();
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
          {/* Only the pages this key's scopes open. */}
          <nav aria-label="Main" className="order-last -mx-2 flex w-full flex-wrap gap-0.5 lg:order-none lg:mx-0 lg:w-auto lg:gap-1">
            {pagesFor(current.scopes).map((page) => (
              <NavLink key={page.path} to={page.path} className={({ isActive }) => cn(NAV_LINK, isActive ? "bg-indigo-50 text-indigo-800" : "text-slate-700 hover:bg-slate-100")}>
                {page.label}
              </NavLink>
            ))}
            <a href={paths.apiDocs} target="_blank" rel="noreferrer" className={cn(NAV_LINK, "text-slate-700 hover:bg-slate-100")}>
              API docs<span className="sr-only"> (opens in a new tab)</span>
              <span aria-hidden> ↗</span>
            </a>
          </nav>
          <div className="ml-auto flex min-w-0 items-center gap-3">
            <div className="min-w-0 text-right text-sm leading-tight">
              <p className="truncate font-medium text-slate-900" title={`Key ${current.name} (${current.key_id})`}>
                <span className="sr-only">Signed in with the key </span>
                {current.name}
              </p>
              <p className="truncate text-xs text-slate-600">tenant {current.tenant_id}</p>
            </div>
            <Button variant="ghost" size="sm" onClick={signOut}>
              Sign out
            </Button>
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1} className="mx-auto max-w-7xl px-4 py-6 outline-none sm:px-6">
        {children}
      </main>
    </div>
  );
}
