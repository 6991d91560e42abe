// partial_streaming — render a structured extraction while it streams, field by field.
//
// Run it:  npx tsx partial_streaming.ts
// No API key needed: it replays a recorded model answer from a local server. Set OPENAI_API_KEY (and
// optionally OPENAI_BASE_URL, OPENAI_MODEL) to ask a real model instead.
//
// The typed client comes from `partialgen generate` run on examples/meeting/schemas/meeting-info.json:
// every snapshot is a PartialMeetingInfo, and final() is a validated MeetingInfo.
import { meetingClient, meetingMessages, streamMeetingInfo } from "partialgen/examples/meeting";

const { client, model, close } = await meetingClient();

const extraction = streamMeetingInfo({ client, model, messages: meetingMessages() });

for await (const partial of extraction) {
  console.clear();
  console.dir(partial, { depth: null });
}

const meeting = await extraction.final();
console.log(`\n${meeting.users.length} users, budget ${meeting.budget}, on ${meeting.date}`);
await close();
