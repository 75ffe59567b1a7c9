import { cn } from "@/lib/cn";

export interface ToggleGroupProps<Value> {
  /** What the group chooses, for screen readers ("Show attempts", "Range"). */
  label: string;
  options: readonly (readonly [value: Value, label: string])[];
  value: Value;
  onChange: (value: Value) => void;
}

/** One of a few choices, each a toggle button applied at once (a segmented control). */
export function ToggleGroup<Value>({ label, options, value, onChange }: ToggleGroupProps<Value>) {
  return (
    <div role="group" aria-label={label} className="flex max-w-full flex-wrap rounded-md border border-slate-300 bg-white p-0.5">
      {options.map(([option, text]) => (
        <button
          key={text}
          type="button"
          aria-pressed={option === value}
          onClick={() => {
            onChange(option);
          }}
          className={cn("rounded px-2.5 py-1 text-sm font-medium", option === value ? "bg-indigo-700 text-white" : "text-slate-700 hover:bg-slate-100")}
        >
          {text}
        </button>
      ))}
    </div>
  );
}
