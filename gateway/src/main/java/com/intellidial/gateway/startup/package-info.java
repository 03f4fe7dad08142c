/** Checks on the configuration before the gateway starts: refuses a bad production configuration. */
@NullMarked
package com.intellidial.gateway.startup;

import org.jspecify.annotations.NullMarked;
