export { type MeetingClient, meetingClient } from "./client.js";
export * from "./generated/index.js";
export { MEETING_NOTES, meetingMessages } from "./prompt.js";
export { RECORDED_ANSWER, recordedResponse } from "./replay.js";
