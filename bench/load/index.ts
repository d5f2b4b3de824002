/** The load generator shared by `npm run bench` and the reliability suite. */
export { LoadGenerator, type DriveOptions, type DriveReport, type DirectionReport } from './generator'
export { Ledger, type MessageRecord, type Tally } from './ledger'
export { openSession, openSessions, operatorReply, prepareDesk, type Session } from './sessions'
export { summarize, type Summary } from './stats'
export { total, botpressOperation, zohoOperation } from './calls'
