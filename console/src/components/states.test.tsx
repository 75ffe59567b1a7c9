import { render, screen } from "@testing-library/react";
import { expect, it } from "vitest";

import { ApiError } from "@/lib/api-client";

import { ErrorMessage, ErrorState } from "./states";

it("shows the API's message, its field details and the request id", () => {
  render(<ErrorMessage error={new ApiError("Request is invalid", 400, "VALIDATION_ERROR", "req-42", ["event_type: too long"])} title="Could not load events" />);
  const alert = screen.getByRole("alert");
  expect(alert).toHaveTextContent("Could not load events");
  expect(alert).toHaveTextContent("Request is invalid");
  expect(alert).toHaveTextContent("event_type: too long");
  expect(alert).toHaveTextContent("Request id req-42");
});

it("shows any other error without a request id", () => {
  render(<ErrorMessage error={new Error("boom")} />);
  expect(screen.getByRole("alert")).toHaveTextContent("boom");
  expect(screen.queryByText(/Request id/)).toBeNull();
});

it("explains a missing scope instead of offering a retry", () => {
  render(<ErrorState error={new ApiError("This route needs the keys:manage scope", 403, "FORBIDDEN")} title="Could not load API keys" onRetry={() => undefined} />);
  expect(screen.getByText("This key may not do that")).toBeInTheDocument();
  expect(screen.getByText(/needs the keys:manage scope/)).toBeInTheDocument();
  expect(screen.queryByRole("button", { name: "Try again" })).toBeNull();
});
