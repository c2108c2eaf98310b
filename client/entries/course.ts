/** The course index: only the theme toggle needs script; everything else is plain HTML. */
import '../ui/base.css';
import { setupTheme } from '../ui/theme.js';

setupTheme();
