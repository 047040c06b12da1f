// Admin page (/admin): the "misunderstood" inbox, canned replies, statistics with an SVG
// chart. This module signs the admin in and wires the tabs to their panels.

import { startAuth } from "/static/common/auth.js";
import { clearAudit, loadAudit } from "/static/admin/audit.js";
import { clearCanned, loadCanned } from "/static/admin/canned.js";
import { clearInbox, loadInbox, loadIntents } from "/static/admin/inbox.js";
import { forgetStats, setDefaultPeriod, showStats } from "/static/admin/stats.js";
import { clearMessages } from "/static/admin/report.js";
import { clearStaff, loadStaff } from "/static/admin/staff.js";
import { onTabShown, showTab, tabFromHash } from "/static/admin/tabs.js";

onTabShown("stats", showStats);
onTabShown("canned", loadCanned);
onTabShown("audit", loadAudit);
onTabShown("staff", loadStaff);

async function enterAdmin() {
  setDefaultPeriod();
  await loadIntents();
  showTab(tabFromHash());
  await loadInbox();
}

startAuth({
  roles: ["admin"],
  mainViewId: "admin-view",
  errorSlotId: "admin-error-slot",
  onEnter: enterAdmin,
  onLeave: () => {
    clearInbox();
    clearCanned();
    clearAudit();
    clearStaff();
    forgetStats();
    clearMessages();
  },
});
