import { config } from 'zod/mini';
import { en } from 'zod/v4/locales';

/**
 * The shop's schemas use zod mini (`import * as z from 'zod/mini'`, decision 0002), which ships no
 * error messages: this sets zod's English ones ("Too small: expected string to have >=1
 * characters"), the messages the API and the logs report. Imported for its effect by every module
 * of this library that declares a schema, so any service that validates has loaded it first.
 */
config(en());
