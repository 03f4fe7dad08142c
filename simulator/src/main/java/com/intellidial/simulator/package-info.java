/** A stateful, non-blocking VAPI and Twilio simulator: start it with {@link com.intellidial.simulator.Simulator#start}. */
@NullMarked
package com.intellidial.simulator;

import org.jspecify.annotations.NullMarked;
