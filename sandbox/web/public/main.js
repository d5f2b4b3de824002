/* global fetch */
import { initConsole } from './console.js'
import { initOfflineMessages } from './offline-messages.js'
import { initSettings } from './settings.js'
import { initTimeline } from './timeline.js'
import { initVisitor } from './visitor.js'

/** Entry point of the sandbox page: visitor chat (left), operator console with the app's settings and offline messages (right), timeline (bottom). */
const config = await fetch('/web/config.json').then((r) => r.json())
initVisitor()
initSettings(config)
initConsole()
initOfflineMessages()
initTimeline()
