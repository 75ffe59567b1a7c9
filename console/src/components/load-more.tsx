import { Button } from "./ui/button";

interface PagedQuery {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
}

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
