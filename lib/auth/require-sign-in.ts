import "server-only";
import { redirect } from "@/i18n/navigation";
import type { UserView } from "../services/users/user-view";
import { currentUser } from "./current-user";

type Query = Record<string, string | string[] | undefined>;

/**
 * The signed-in user a dashboard page is shown to; without one, the sign-in page, which returns to this page (and
 * its query) afterwards. `path` is the page's address after its language, e.g. "/keys".
 */
export async function requireSignIn(locale: string, path: string, query: Query = {}): Promise<UserView> {
  const user = await currentUser();
  if (user) return user;
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) for (const v of [value ?? []].flat()) search.append(key, v);
  const callbackUrl = `/${locale}${path === "/" ? "" : path}${search.size ? `?${search}` : ""}`;
  return redirect({ href: { pathname: "/login", query: { callbackUrl } }, locale });
}
