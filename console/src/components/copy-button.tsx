import { useEffect, useState } from "react";

import { Button, type ButtonProps } from "./ui/button";

type CopyState = "idle" | "copied" | "failed";

const LABELS: Record<CopyState, string> = { idle: "Copy", copied: "Copied", failed: "Copy failed" };

export function CopyButton({ value, label = "Copy", ...props }: { value: string; label?: string } & Omit<ButtonProps, "onClick" | "value">) {
  const [state, setState] = useState<CopyState>("idle");

  useEffect(() => {
    if (state === "idle") return;
    const reset = setTimeout(() => {
      setState("idle");
    }, 2_000);
    return () => {
      clearTimeout(reset);
    };
  }, [state]);

  const copy = () => {
    navigator.clipboard.writeText(value).then(
      () => {
        setState("copied");
      },
      () => {
        setState("failed");
      },
    );
  };

  return (
    <>
      <Button size="sm" {...props} onClick={copy}>
        {state === "idle" ? label : LABELS[state]}
      </Button>
      <span className="sr-only" role="status">
        {state === "copied" ? "Copied to the clipboard" : state === "failed" ? "Could not copy; select the text and copy it" : ""}
      </span>
    </>
  );
}
