import { act, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, expect, it, vi } from "vitest";

import { Toaster, useNotify } from "./toaster";

function Saver() {
  const notify = useNotify();
  return (
    <button type="button" onClick={() => { notify("Webhook saved"); }}>
      Save
    </button>
  );
}

afterEach(() => {
  vi.useRealTimers();
});

it("announces a notice in the status region and drops it when dismissed", async () => {
  render(<Toaster><Saver /></Toaster>);
  const user = userEvent.setup();
  await user.click(screen.getByRole("button", { name: "Save" }));
  expect(screen.getByRole("status", { name: "Notifications" })).toHaveTextContent("Webhook saved");
  await user.click(screen.getByRole("button", { name: "Dismiss" }));
  expect(screen.queryByText("Webhook saved")).toBeNull();
});

it("lets a notice go by itself, and keeps at most three", () => {
  vi.useFakeTimers();
  render(<Toaster><Saver /></Toaster>);
  const save = screen.getByRole("button", { name: "Save" });
  for (let i = 0; i < 4; i += 1) act(() => { save.click(); });
  expect(screen.getAllByText("Webhook saved")).toHaveLength(3);
  act(() => { vi.advanceTimersByTime(5_000); });
  expect(screen.queryByText("Webhook saved")).toBeNull();
});
