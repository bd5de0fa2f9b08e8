export const USAGE = `SmartPay command line

Usage: npm run smartpay -- <command> [arguments]

Commands:
  apps:create <name>                       create an app (tenant); prints { "app_id", "api_key" }
  keys:create <app_id>                     issue another API key for an app; prints { "key_id", "api_key" }
  keys:revoke <key_id>                     revoke an API key; prints { "key_id", "revoked": true }
  admins:create <email> [--role admin|viewer]
                                           create a dashboard admin user (role admin by default); the password
                                           comes from SMARTPAY_ADMIN_PASSWORD or is asked for on the terminal
  migrate                                  apply pending database migrations; prints { "applied": [...] }
  jobs:list [--status queued|running|succeeded|dead] [--limit N]
                                           list background jobs, newest first (default: every status, 100);
                                           prints a JSON array
  jobs:retry <id>                          queue a dead job again (attempts reset, due now)
  reconcile                                queue a reconciliation run of every app's pending charges (the running
                                           servers' workers execute it); prints { "run_id", "status" }
  reconcile --from <ISO> --to <ISO>        the discrepancy report of that period over every app, read from the
                                           gateways now (live credentials, or SMARTPAY_SANDBOX_URL)
  reports:rollup                           queue a run of the reports' hourly rollups now (after importing past
                                           charges; the running servers' workers execute it)
  alerts:list [--status open|acknowledged|resolved] [--limit N]
                                           every app's alerts and the deployment's (gateway circuits, dead jobs),
                                           newest first; prints a JSON array
  alerts:ack <id>                          acknowledge an alert (it stays open; its condition alerts no one again)
  alerts:resolve <id>                      resolve an alert (a condition that still holds opens a new one)
  invoices:reissue <id>                    issue a rejected SUNAT document again under a new number (the running
                                           servers' workers issue it); prints the new invoice, or the queued job
  help                                     show this text

Results are printed as JSON on stdout; errors go to stderr with exit status 1.
The database and settings come from the same environment variables as the server (DATABASE_URL, ...).
`;
