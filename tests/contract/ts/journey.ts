// The web app's view of the contract: the same journey as tests/contract/python_journey.py,
// written against the types openapi-typescript generates from /openapi.json with its
// default options. Only type-checked (`tsc --strict --noEmit`): a route, parameter, body
// field or response field the document no longer has, or has in another shape, fails it.
import type { components, paths } from "./generated/api";

type Schemas = components["schemas"];
type Method = "get" | "post" | "put" | "patch" | "delete";
type Op<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type Json<T> = T extends { content: { "application/json": infer B } } ? B : never;
type Responses<P extends keyof paths, M extends Method> = Op<P, M> extends {
  responses: infer R;
}
  ? R
  : never;
type Params<P extends keyof paths, M extends Method> = Op<P, M> extends {
  parameters: infer R;
}
  ? R
  : never;
type Body<P extends keyof paths, M extends Method> = Op<P, M> extends {
  requestBody?: infer R;
}
  ? Json<NonNullable<R>>
  : never;

interface Call<P extends keyof paths, M extends Method> {
  path?: Params<P, M> extends { path: infer A } ? A : never;
  query?: Params<P, M> extends { query?: infer Q } ? Q : never;
  body?: Body<P, M>;
  token?: string;
}

const base = "http://127.0.0.1:8080";

async function call<
  P extends keyof paths,
  M extends Method,
  S extends keyof Responses<P, M> & number,
>(
  method: M,
  route: P,
  status: S,
  init: Call<P, M> = {},
): Promise<Json<Responses<P, M>[S]>> {
  const values = (init.path ?? {}) as Record<string, string>;
  let url = `${base}${route.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? ""))}`;
  if (init.query) {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(init.query as Record<string, unknown>)) {
      if (value !== undefined && value !== null) query.set(key, String(value));
    }
    url += `?${query}`;
  }
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  const response = await fetch(url, {
    method: method.toUpperCase(),
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  if (response.status !== status) {
    const problem = (await response.json()) as Schemas["Problem"];
    // The code is an enum in the document: a client switches on it.
    const code: Schemas["Problem"]["code"] = problem.code;
    throw new Error(`${method} ${route}: ${response.status} ${code}`);
  }
  return (await response.json()) as Json<Responses<P, M>[S]>;
}

export async function journey(email: string, password: string, code: string): Promise<number> {
  await call("post", "/api/v1/auth/register", 202, { body: { email, password } });
  const tokens = await call("post", "/api/v1/auth/email/verify", 200, { body: { email, code } });
  const parent = tokens.access_token;

  const notice = await call("get", "/api/v1/privacy-notice", 200);
  await call("post", "/api/v1/accounts/me/consent", 200, {
    token: parent,
    body: { notice_version: notice.version },
  });

  const profile = await call("post", "/api/v1/profiles", 201, {
    token: parent,
    body: { nickname: "Ama", age_band: "6-8" },
  });
  // No PIN set: kid mode starts without a body.
  const session = await call("post", "/api/v1/profiles/{profile_id}/session", 200, {
    token: parent,
    path: { profile_id: profile.id },
  });
  const kid = session.explorer_token;

  const screen = await call("get", "/api/v1/tabs/{tab}", 200, {
    token: kid,
    path: { tab: "explore" },
    query: { profile_id: profile.id },
  });
  const rows: Schemas["Row"][] = screen.rows;

  const themes = await call("get", "/api/v1/themes", 200, { token: kid });
  const firstTheme: Schemas["ThemeOut"] | undefined = themes.items[0];
  if (firstTheme) {
    await call("get", "/api/v1/themes/{slug}", 200, { token: kid, path: { slug: firstTheme.slug } });
  }
  const videos = await call("get", "/api/v1/videos", 200, { token: kid, query: { limit: 5 } });
  const card = videos.items[0];
  if (!card) return 0;
  const video = await call("get", "/api/v1/videos/{item_id}", 200, {
    token: kid,
    path: { item_id: card.id },
  });
  const hits = await call("get", "/api/v1/search", 200, {
    token: kid,
    query: { q: video.title },
  });
  const next: string | null | undefined = hits.next_cursor;

  const ebooks = await call("get", "/api/v1/ebooks", 200, { token: kid, query: { limit: 1 } });
  const book = ebooks.items[0];
  if (!book) return hits.items.length;
  const ebook = await call("get", "/api/v1/ebooks/{item_id}", 200, {
    token: kid,
    path: { item_id: book.id },
  });
  const progress = await call("put", "/api/v1/profiles/{profile_id}/progress/ebook/{item_id}", 200, {
    token: kid,
    path: { profile_id: profile.id, item_id: ebook.id },
    body: { sent_at: new Date().toISOString(), page: 1, pages_read: [1] },
  });
  const library = await call("get", "/api/v1/profiles/{profile_id}/library", 200, {
    token: kid,
    path: { profile_id: profile.id },
  });
  const reading: Schemas["LibraryCard"][] = library.continue;

  const quizzes = await call("get", "/api/v1/quizzes", 200, { token: kid, query: { limit: 1 } });
  const quiz = quizzes.items[0];
  if (!quiz) return reading.length;
  const attempt = await call("post", "/api/v1/profiles/{profile_id}/quizzes/{quiz_id}/attempts", 201, {
    token: kid,
    path: { profile_id: profile.id, quiz_id: quiz.id },
  });
  for (const question of attempt.questions) {
    const ids = question.choices.map((choice) => choice.id);
    const answer: Schemas["AnswerBody"] =
      question.type === "ordering" ? { order: ids } : { choice_ids: ids.slice(0, 1) };
    await call("put", "/api/v1/profiles/{profile_id}/attempts/{attempt_id}/answers/{question_id}", 200, {
      token: kid,
      path: { profile_id: profile.id, attempt_id: attempt.id, question_id: question.id },
      body: answer,
    });
  }
  const result = await call("post", "/api/v1/profiles/{profile_id}/attempts/{attempt_id}/submit", 200, {
    token: kid,
    path: { profile_id: profile.id, attempt_id: attempt.id },
  });

  const inbox = await call("get", "/api/v1/notifications", 200, { token: parent });
  const unread = await call("get", "/api/v1/notifications/unread-count", 200, { token: parent });
  const exported = await call("get", "/api/v1/accounts/me/export", 200, { token: parent });
  const when: string = exported.exported_at;

  // An error is a typed problem document: switch on its code.
  const missing = await fetch(`${base}/api/v1/profiles/00000000-0000-4000-8000-000000000000`, {
    headers: { Authorization: `Bearer ${parent}` },
  });
  const problem = (await missing.json()) as Schemas["Problem"];
  const notFound = problem.code === "not_found";
  const fields: Schemas["FieldError"][] = problem.errors ?? [];

  // What the live stream sends: one of these, by its `event` name.
  const onEvent = (event: Schemas["StreamEvent"]): string => {
    switch (event.event) {
      case "notification":
        return event.data.title;
      case "read":
        return event.data.id;
      default:
        return event.event;
    }
  };

  return (
    result.score +
    progress.percent +
    (next === null ? 0 : 1) +
    rows.length +
    inbox.items.length +
    unread.unread +
    when.length +
    fields.length +
    (notFound ? 1 : 0) +
    onEvent({ event: "ready", id: "0", data: {} }).length
  );
}
