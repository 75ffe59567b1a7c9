import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { expect, it, vi } from "vitest";

import { SecretReveal } from "./secret-reveal";

it("shows the secret once with a working copy button", async () => {
  const user = userEvent.setup();
  const writeText = vi.spyOn(navigator.clipboard, "writeText").mockResolvedValue();
  render(<SecretReveal label="Signing secret" value="whsec_abc" />);

  expect(screen.getByLabelText("Signing secret")).toHaveValue("whsec_abc");
  expect(screen.getByText(/only time it is shown/)).toBeInTheDocument();
  await user.click(screen.getByRole("button", { name: "Copy signing secret" }));
  expect(writeText).toHaveBeenCalledWith("whsec_abc");
  expect(await screen.findByText("Copied to the clipboard")).toBeInTheDocument();
});
