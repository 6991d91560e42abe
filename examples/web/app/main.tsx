/**
 * The page: a React app on the generated, typed hook. The server's streamMeetingInfo().toResponse() sends the
 * model's text; the hook parses it here with the server's parser, so `value` is a PartialMeetingInfo whose
 * unchanged parts keep their identity, and the memo cards below re-render only when their own data changes.
 * Model output is untrusted: it reaches the page only as React text (never as HTML).
 */
import { memo, StrictMode, useEffect, useRef } from "react";
import { createRoot } from "react-dom/client";
import type { PartialMeetingInfo } from "../generated/meeting-info.js";
import { useMeetingInfoStream } from "../generated/meeting-info.react.js";

type PartialUser = NonNullable<PartialMeetingInfo["users"]>[number];

/**
 * Counts this component's committed renders into a data attribute (the browser test reads it; harmless
 * otherwise). Counted in an effect: StrictMode calls render functions twice, but commits once.
 */
function useRenderCount<E extends HTMLElement>() {
  const ref = useRef<E>(null);
  const count = useRef(0);
  useEffect(() => {
    count.current++;
    ref.current?.setAttribute("data-renders", String(count.current));
  });
  return ref;
}

const USER_FIELDS = ["name", "email", "twitter"] as const;

const UserCard = memo(function UserCard({
  user,
  index,
  writing,
}: {
  user: PartialUser;
  index: number;
  /** The field of this user being written, if any. */
  writing: (typeof USER_FIELDS)[number] | undefined;
}) {
  const ref = useRenderCount<HTMLLIElement>();
  return (
    <li className="user" ref={ref} data-index={index}>
      {USER_FIELDS.map((field) => (
        <p
          key={field}
          className={`value ${field}${writing === field ? " writing" : ""}`}
          data-pointer={`/users/${index}/${field}`}
        >
          {user[field] ?? ""}
        </p>
      ))}
    </li>
  );
});

const Field = memo(function Field({
  pointer,
  title,
  text,
  writing,
}: {
  pointer: string;
  title: string;
  text: string;
  writing: boolean;
}) {
  const ref = useRenderCount<HTMLElement>();
  return (
    <section className={`card${writing ? " active" : ""}`} data-field={pointer} ref={ref}>
      <h2>{title}</h2>
      <p className={`value${writing ? " writing" : ""}`} data-pointer={pointer}>
        {text}
      </p>
    </section>
  );
});

function App() {
  const s = useMeetingInfoStream({ api: "/api/extract" });
  const mainRef = useRenderCount<HTMLElement>();
  const { submit } = s;
  // One request on load, StrictMode's double effects included.
  useEffect(() => submit(), [submit]);

  const value = s.value;
  const streaming = s.status === "streaming";
  // A field is being written while it is in the snapshot but not complete yet.
  const writing = (pointer: string, present: boolean) => streaming && present && !s.isComplete(pointer);
  const users = value?.users ?? [];
  const usersWriting = streaming && value?.users !== undefined && !s.isComplete("/users");

  let status: string;
  if (s.status === "idle") status = s.value === undefined ? "Connecting…" : "Cancelled: showing what had arrived.";
  else if (s.status === "streaming")
    status = s.attempt > 1 ? "The answer did not validate; asking again…" : "Streaming…";
  else if (s.status === "done") status = "✓ Complete and valid";
  else status = `✗ ${s.error?.name}: ${s.error?.message} (the fields below are what had arrived)`;

  return (
    <>
      <header>
        <h1>
          Meeting notes → <code>MeetingInfo</code>
        </h1>
        <div className="controls">
          {streaming ? (
            <button type="button" id="cancel" onClick={s.stop}>
              Cancel
            </button>
          ) : (
            <button type="button" id="again" onClick={() => submit()} disabled={s.status === "idle" && !value}>
              Extract again
            </button>
          )}
        </div>
        <p id="status" role="status" aria-live="polite" data-state={s.status}>
          {status}
        </p>
      </header>
      <main ref={mainRef}>
        <section className={`card wide${usersWriting ? " active" : ""}`} data-field="/users">
          <h2>Participants</h2>
          <ul id="users">
            {users.map((user, i) => {
              const at = `/users/${i}`;
              const field = USER_FIELDS.find((f) => writing(`${at}/${f}`, user[f] !== undefined));
              // biome-ignore lint/suspicious/noArrayIndexKey: a streamed element's position is its identity
              return <UserCard key={i} user={user} index={i} writing={field} />;
            })}
          </ul>
        </section>
        <Field
          pointer="/date"
          title="Date"
          text={value?.date ?? ""}
          writing={writing("/date", value?.date !== undefined)}
        />
        <Field
          pointer="/location"
          title="Location"
          text={value?.location ?? ""}
          writing={writing("/location", value?.location !== undefined)}
        />
        <Field
          pointer="/budget"
          title="Budget"
          text={value?.budget === undefined ? "" : `$${value.budget.toLocaleString("en-US")}`}
          writing={writing("/budget", value?.budget !== undefined)}
        />
        <Field
          pointer="/deadline"
          title="Deadline"
          text={value?.deadline ?? ""}
          writing={writing("/deadline", value?.deadline !== undefined)}
        />
      </main>
    </>
  );
}

createRoot(document.getElementById("root") as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
