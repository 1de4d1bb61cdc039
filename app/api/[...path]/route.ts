import { AppError } from "@/lib/core/errors";
import { route } from "@/lib/api/handler";

const notFound = route({ scope: null }, async ({ request }) => {
  throw new AppError("not_found", `No such API route: ${request.method} ${new URL(request.url).pathname}`);
});

// Any other /api path — a JSON 404 rather than the dashboard's HTML page
export { notFound as GET, notFound as POST, notFound as PATCH, notFound as PUT, notFound as DELETE };
