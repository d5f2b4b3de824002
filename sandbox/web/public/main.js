/* global fetch */
import { initConsole } from './console.js'
import { initTimeline } from './timeline.js'
import { initVisitor } from './visitor.js'

/** Entry point of the sandbox page: visitor chat (left), operator console (right), timeline (bottom). */
const config = await fetch('/web/config.json').then((r) => r.json())
initVisitor()
initConsole(config)
initTimeline()
