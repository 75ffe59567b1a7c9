import { Link } from "react-router";

import { EmptyState } from "@/components/states";
import { paths } from "@/config/paths";

export function NotFoundRoute() {
  return (
    <>
      <title>Not found · Triggers console</title>
      <h1 className="sr-only">Page not found</h1>
      <EmptyState
        title="There is no page here"
        action={
          <Link to={paths.home} className="font-medium text-indigo-800 underline underline-offset-2">
            Go to the start page
          </Link>
        }
      />
    </>
  );
}
