import { useId, useState, type ReactNode } from "react";
import { NavLink, useLocation } from "react-router";

import { pagesFor, paths } from "@/config/paths";
import { useSignedInKey } from "@/lib/auth";
import { cn } from "@/lib/cn";
import { signOut } from "@/lib/session";

import { Button } from "../ui/button";

const NAV_LINK = "rounded-md px-3 py-2 text-sm font-medium lg:px-2.5";

export function AppLayout({ children }: { children: ReactNode }) {
  const current = useSignedInKey();
  const { pathname } = useLocation();
  // On a phone the navigation folds behind a Menu button; it folds again once a link is taken (or the page changes otherwise).
  const [menuOpenOn, setMenuOpenOn] = useState<string | null>(null);
  const menuOpen = menuOpenOn === pathname;
  const navId = useId();
  const foldMenu = () => {
    setMenuOpenOn(null);
  };

  return (
    <div className="min-h-dvh bg-slate-50">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2">
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-white">
        {/* A phone: the brand and the key on one row, the folded navigation under them; wider: one row. */}
        <div className="mx-auto grid max-w-7xl grid-cols-[auto_minmax(0,1fr)] items-center gap-x-3 gap-y-2 px-4 py-3 sm:px-6 lg:flex lg:gap-x-6">
          <span className="flex items-center gap-2 font-semibold text-slate-900">
            <img src="/favicon.svg" alt="" className="size-6" />
            Triggers
          </span>
          {/* Only the pages this key's scopes open. */}
          <nav
            id={navId}
            aria-label="Main"
            className={cn(
              "order-last col-span-2 flex-col gap-0.5 border-t border-slate-100 pt-2 lg:order-none lg:flex lg:flex-row lg:border-0 lg:pt-0",
              menuOpen ? "flex" : "hidden",
            )}
          >
            {pagesFor(current.scopes).map((page) => (
              <NavLink key={page.path} to={page.path} onClick={foldMenu} className={({ isActive }) => cn(NAV_LINK, isActive ? "bg-indigo-50 text-indigo-800" : "text-slate-700 hover:bg-slate-100")}>
                {page.label}
              </NavLink>
            ))}
            <a href={paths.apiDocs} target="_blank" rel="noreferrer" onClick={foldMenu} className={cn(NAV_LINK, "text-slate-700 hover:bg-slate-100")}>
              API docs<span className="sr-only"> (opens in a new tab)</span>
              <span aria-hidden> ↗</span>
            </a>
          </nav>
          <div className="flex min-w-0 items-center justify-end gap-2 sm:gap-3 lg:ml-auto">
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
            <Button
              size="sm"
              className="lg:hidden"
              aria-expanded={menuOpen}
              aria-controls={navId}
              onClick={() => {
                setMenuOpenOn(menuOpen ? null : pathname);
              }}
            >
              Menu
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
