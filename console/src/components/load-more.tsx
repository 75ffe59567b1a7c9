import { useEffect } from "react";

import { EmptyState, LoadingState } from "./states";
import { Button } from "./ui/button";

interface PagedQuery {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
}

/** Pages fetched on their own while a filtered listing has shown nothing yet; then a button asks for more. */
export const AUTOMATIC_PAGES = 10;

/** Under a cursor-paged listing: how many rows are on screen, and the next page on request. */
export function LoadMore({ shown, noun, query }: { shown: number; noun: readonly [one: string, many: string]; query: PagedQuery }) {
  return (
    <div className="flex items-center justify-between gap-3 text-sm text-slate-600">
      <span aria-live="polite">
        {shown} {noun[shown === 1 ? 0 : 1]} shown
      </span>
      {query.hasNextPage && (
        <Button busy={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
          Load more
        </Button>
      )}
    </div>
  );
}

/**
 * For a listing that has shown nothing yet but has more to read. The API bounds what one page reads, so a
 * rare filter can answer an empty page that still has more: the next pages are fetched on their own, up to
 * AUTOMATIC_PAGES, and then a button lets the reader keep looking further back.
 */
export function KeepLooking({ query, pages, noun }: { query: PagedQuery; pages: number; noun: string }) {
  const automatic = pages < AUTOMATIC_PAGES;
  const { isFetchingNextPage, fetchNextPage } = query;
  useEffect(() => {
    if (automatic && !isFetchingNextPage) void fetchNextPage();
  }, [automatic, isFetchingNextPage, fetchNextPage, pages]);
  if (automatic) return <LoadingState label={`Looking further for ${noun}…`} />;
  return (
    <EmptyState
      title={`No ${noun} found so far`}
      action={
        <Button busy={isFetchingNextPage} onClick={() => void fetchNextPage()}>
          Keep looking
        </Button>
      }
    >
      Nothing read so far matches these filters; there is more to look through.
    </EmptyState>
  );
}
