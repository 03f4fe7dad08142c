/** The simulated VAPI API: Bearer keys mapped to orgs, and per-org resource families driven by a table. */
@NullMarked
package com.intellidial.simulator.vapi;

import org.jspecify.annotations.NullMarked;
