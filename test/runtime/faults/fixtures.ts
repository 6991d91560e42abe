import type { MeetingInfo } from "../../../examples/meeting/generated/index.js";

export const answer: MeetingInfo = {
  users: [
    { name: "John Doe", email: "johndoe@email.com", twitter: "@TechGuru44" },
    { name: "Jane Smith", email: "janesmith@email.com", twitter: "@DigitalDiva88" },
  ],
  date: "2024-03-15",
  location: "Grand Tech Arena, 4521 Innovation Drive",
  budget: 50000,
  deadline: "2024-02-20",
};
export const answerText = JSON.stringify(answer);
export const messages = [{ role: "user" as const, content: "Get the information about the meeting" }];
/** Up to the end of the first user's name: a snapshot with users[0].name complete exists. */
export const prefix = answerText.slice(0, answerText.indexOf("johndoe") + 3);
