/** VAPI and Twilio provisioning used by onboarding. */
@NullMarked
package com.intellidial.gateway.provisioning;

import org.jspecify.annotations.NullMarked;
