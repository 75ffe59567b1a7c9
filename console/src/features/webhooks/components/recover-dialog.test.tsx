import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeAll, expect, it, vi } from "vitest";

import { RecoverDialog } from "./recover-dialog";

// The API client keeps the fetch it was made with, so the stub is in place before any import.
const fetchMock = vi.hoisted(() => {
  const mock = vi.fn<(request: Request) => Promise<Response>>();
  vi.stubGlobal("fetch", mock);
  return mock;
});

beforeAll(() => {
  // jsdom has <dialog> but not its modal methods.
  HTMLDialogElement.prototype.showModal = function showModal(this: HTMLDialogElement) {
    this.setAttribute("open", "");
  };
  HTMLDialogElement.prototype.close = function close(this: HTMLDialogElement) {
    this.removeAttribute("open");
  };
});

const recovery = (queued: number, resumeSince: string | null) =>
  new Response(JSON.stringify({ queued, resume_since: resumeSince }), { status: 202, headers: { "content-type": "application/json" } });

it("recovers the window, then continues from resume_since with the same end until the API says it is done", async () => {
  fetchMock.mockResolvedValueOnce(recovery(200, "2026-03-01T10:30:00.000Z")).mockResolvedValueOnce(recovery(7, null));
  render(
    <QueryClientProvider client={new QueryClient()}>
      <RecoverDialog subscriptionId="sub_1" open since="2026-03-01T09:00:00.000Z" disabled={false} onClose={() => undefined} />
    </QueryClientProvider>,
  );
  const user = userEvent.setup();
  await user.type(screen.getByLabelText("Until (optional)"), "2026-03-02T00:00");
  await user.click(screen.getByRole("button", { name: "Recover deliveries" }));
  expect(await screen.findByText("200 events queued for delivery again.")).toBeInTheDocument();

  await user.click(screen.getByRole("button", { name: "Continue from there" }));
  expect(await screen.findByText("207 events queued for delivery again.")).toBeInTheDocument();
  expect(screen.queryByRole("button", { name: "Continue from there" })).toBeNull();

  const bodies = await Promise.all(fetchMock.mock.calls.map(([request]) => request.json() as Promise<unknown>));
  const until = new Date(2026, 2, 2).toISOString();
  expect(bodies).toEqual([
    { since: "2026-03-01T09:00:00.000Z", until },
    { since: "2026-03-01T10:30:00.000Z", until },
  ]);
  expect(fetchMock.mock.calls.map(([request]) => new URL(request.url).pathname)).toEqual(["/v1/subscriptions/sub_1/recover", "/v1/subscriptions/sub_1/recover"]);
});

it("warns before recovering into a disabled webhook", () => {
  render(
    <QueryClientProvider client={new QueryClient()}>
      <RecoverDialog subscriptionId="sub_1" open disabled onClose={() => undefined} />
    </QueryClientProvider>,
  );
  expect(screen.getByText(/is skipped again/)).toBeInTheDocument();
});
