import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { expect, it, vi } from "vitest";

import { AUTOMATIC_PAGES, KeepLooking } from "./load-more";

function pagedQuery(isFetchingNextPage = false) {
  return { hasNextPage: true, isFetchingNextPage, fetchNextPage: vi.fn(() => Promise.resolve()) };
}

it("fetches the next page on its own while nothing is shown and few pages were read", () => {
  const query = pagedQuery();
  render(<KeepLooking query={query} pages={1} noun="matching events" />);
  expect(query.fetchNextPage).toHaveBeenCalledTimes(1);
  expect(screen.getByRole("status")).toHaveTextContent("Looking further for matching events");
});

it("waits for a page in flight instead of asking again", () => {
  const query = pagedQuery(true);
  render(<KeepLooking query={query} pages={2} noun="matching events" />);
  expect(query.fetchNextPage).not.toHaveBeenCalled();
});

it("after the automatic pages, keeps looking only when asked", async () => {
  const query = pagedQuery();
  render(<KeepLooking query={query} pages={AUTOMATIC_PAGES} noun="matching entries" />);
  expect(query.fetchNextPage).not.toHaveBeenCalled();
  expect(screen.getByText("No matching entries found so far")).toBeInTheDocument();
  await userEvent.click(screen.getByRole("button", { name: "Keep looking" }));
  expect(query.fetchNextPage).toHaveBeenCalledTimes(1);
});
